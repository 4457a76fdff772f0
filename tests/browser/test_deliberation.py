"""A panel deliberates (docs/architecture.md#deliberation): from the trial's page the presiding
judge starts the panel's deliberation and puts a question; in the decision phase they open the
vote, both judges vote with their opinion, one against; once closed both read the result (not
passed: more than half of two is two) and every member's opinion, the dissent marked. At a
judicial committee the prosecutor attends without a vote and reads the result, not the
opinions."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import go_to_console, person, staff_tab
from tests.callers import PASSWORD, Caller, World, invite, schedule_hearing

FOR = "原告主张的违约事实有合同及付款记录为证，被告应当承担违约责任。"
AGAINST = "The delay was caused by force majeure; the defendant is not liable."


async def test_two_judges_deliberate_and_the_dissent_is_marked(
    open_tab: OpenTab, judge: Caller, admin: Caller, world: World
) -> None:
    second_judge = await admin.call(
        "POST",
        "/users",
        {
            "username": "judge2",
            "display_name": "李审判员",
            "role": "judge",
            "court_id": world.court_id,
            "password": PASSWORD,
        },
        expect=201,
    )
    trial = await schedule_hearing(judge, "(2026)A民初9号")
    await judge.call(
        "POST",
        f"/hearings/{trial['id']}/participants",
        {"role": "judge", "name": "李审判员", "user_id": second_judge["id"]},
        expect=201,
    )

    # The trial's page: "Deliberate" makes the deliberation and goes to its page, the bench on it.
    presiding = await open_tab("presiding", "/healthz")
    page = presiding.page
    login = await presiding.context.request.post(
        "/api/v1/auth/login", data={"username": "judge", "password": PASSWORD}
    )
    assert login.ok
    await page.goto(f"/#/hearings/{trial['id']}")
    await page.get_by_test_id("deliberate").click()
    await expect(page).not_to_have_url(re.compile(rf"#/hearings/{trial['id']}$"))
    await expect(page.get_by_test_id("hearing-head")).to_contain_text("合议庭评议")
    did = int(page.url.rsplit("/", 1)[1])
    await expect(page.get_by_test_id("participant-list")).to_contain_text("李审判员")
    await expect(page.get_by_test_id("deliberate")).to_be_hidden()

    # A question put from that page: no rule to choose, the deliberation's own.
    questions = page.get_by_test_id("questions")
    await expect(questions.get_by_test_id("motion-rule")).to_have_count(0)
    await expect(questions.get_by_test_id("motion-rule-fixed")).to_contain_text("过半数")
    await questions.get_by_test_id("motion-title").fill("被告是否承担违约责任")
    await questions.get_by_test_id("motion-add").click()
    await expect(questions.get_by_test_id("motion-1")).to_contain_text(
        "第1项议题：被告是否承担违约责任"
    )
    await presiding.screenshot("deliberation-questions")

    # The consoles: the presiding judge opens the vote in the decision phase.
    await page.goto(f"/hearing/{did}")
    await expect(page.get_by_test_id("console")).to_be_visible()
    second = await open_tab("second-judge", "/healthz", locale="en-US")
    await go_to_console(second, did, "judge2")
    other = second.page
    await expect(other.get_by_test_id("console")).to_be_visible()
    state = page.get_by_test_id("hearing-state")
    await page.get_by_test_id("hearing-open").click()
    await expect(state).to_have_attribute("data-state", "open")
    await page.get_by_test_id("hearing-start_session").click()
    await expect(state).to_have_attribute("data-state", "in_session")
    await page.get_by_test_id("phase-select").select_option("decision")
    await expect(page.get_by_test_id("vote-motion-item")).to_contain_text("被告是否承担违约责任")
    await page.get_by_test_id("vote-open").click()
    await expect(other.get_by_test_id("vote-title")).to_contain_text("Question 1")
    await expect(page.get_by_test_id("vote-close")).to_be_visible()
    await expect(other.get_by_test_id("vote-close")).to_have_count(0)  # the presiding judge's

    # The second judge starts writing; the presiding judge's ballot arriving keeps their text.
    await other.get_by_test_id("vote-against").click()
    await other.get_by_test_id("vote-opinion").fill(AGAINST)
    submit = page.get_by_test_id("vote-submit")
    await page.get_by_test_id("vote-for").click()
    await expect(submit).to_be_disabled()  # not without an opinion
    await page.get_by_test_id("vote-opinion").fill("   ")
    await expect(submit).to_be_disabled()
    await page.get_by_test_id("vote-opinion").fill(FOR)
    await submit.click()
    await expect(page.get_by_test_id("vote-ballot")).to_contain_text("您的表决：同意")
    await expect(page.get_by_test_id("vote-own-opinion")).to_contain_text(FOR)
    await expect(other.get_by_test_id("vote-cast")).to_contain_text("1 ballots cast")
    await expect(other.get_by_test_id("vote-opinion")).to_have_value(AGAINST)
    await expect(other.get_by_test_id("vote-against")).to_have_attribute("aria-pressed", "true")
    await second.screenshot("deliberation-ballot")
    await other.get_by_test_id("vote-submit").click()
    await expect(other.get_by_test_id("vote-ballot")).to_contain_text("Your vote: Against")

    tally = page.get_by_test_id("vote-tally")
    await expect(tally).to_contain_text("合议庭成员2人：同意1人、反对1人、弃权0人、未表决0人")
    await expect(tally).not_to_contain_text("元")  # heads only
    await page.get_by_test_id("vote-close").click()

    await expect(page.get_by_test_id("vote-result")).to_have_text("表决结果：未通过")
    await expect(other.get_by_test_id("vote-result")).to_have_text("Result: Not passed")
    for tab, dissent in ((presiding, "少数意见"), (second, "Dissenting opinion")):
        opinions = tab.page.get_by_test_id("vote-opinion-item")
        await expect(opinions).to_have_count(2)
        for_voter = opinions.filter(has_text=FOR)
        await expect(for_voter).to_contain_text("judge")
        await expect(opinions.filter(has_text=AGAINST)).to_contain_text("李审判员")
        # not passed: the judge who voted for it is the minority
        await expect(tab.page.get_by_test_id("vote-dissent")).to_have_count(1)
        await expect(for_voter.get_by_test_id("vote-dissent")).to_have_text(dissent)
    await presiding.screenshot("deliberation-result")
    await second.screenshot("deliberation-result")
    await expect(page.get_by_test_id("vote-motion-item")).to_have_attribute("data-state", "closed")


async def test_the_prosecutor_attends_a_committee_without_a_vote(
    open_tab: OpenTab, judge: Caller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A委1号", kind="committee_meeting")
    hid = hearing["id"]
    prosecutor = await invite(judge, hid, role="prosecutor", name="王检察员")
    await judge.call(
        "POST",
        f"/hearings/{hid}/motions",
        {"title": "本案是否构成自首", "rule": "panel_majority"},
        expect=201,
    )

    bench = await staff_tab(open_tab, hid)
    page = bench.page
    state = page.get_by_test_id("hearing-state")
    await page.get_by_test_id("hearing-open").click()
    await expect(state).to_have_attribute("data-state", "open")
    attending = await open_tab("prosecutor", f"/join#{prosecutor['invitation']['token']}")
    other = attending.page
    await expect(other.get_by_test_id("join-button")).to_be_enabled()
    await other.get_by_test_id("join-button").click()
    await expect(other.get_by_test_id("waiting-room")).to_be_visible()
    await page.get_by_test_id("hearing-start_session").click()
    await expect(state).to_have_attribute("data-state", "in_session")
    await person(page, prosecutor["participant"]["id"]).get_by_test_id("admit").click()
    await expect(other.get_by_test_id("waiting-room")).to_be_hidden()
    await page.get_by_test_id("phase-select").select_option("decision")
    await page.get_by_test_id("vote-open").click()

    # The prosecutor sees the question and is told they attend without a vote: no ballot form.
    await expect(other.get_by_test_id("vote-title")).to_contain_text("第1项议题：本案是否构成自首")
    await expect(other.get_by_test_id("vote-no-vote")).to_have_text(
        "您列席会议，可以发表意见，不参加表决。"
    )
    await expect(other.get_by_test_id("vote-ballot-form")).to_have_count(0)
    await attending.screenshot("committee-prosecutor")

    await page.get_by_test_id("vote-for").click()
    await page.get_by_test_id("vote-opinion").fill("被告人主动投案并如实供述，构成自首。")
    await page.get_by_test_id("vote-submit").click()
    await expect(page.get_by_test_id("vote-tally")).to_contain_text(
        "有表决权的委员1人：同意1人、反对0人、弃权0人、未表决0人"
    )
    await page.get_by_test_id("vote-close").click()

    # Both read the result; only the bench reads who said what.
    await expect(other.get_by_test_id("vote-result")).to_have_text("表决结果：通过")
    await expect(page.get_by_test_id("vote-result")).to_have_text("表决结果：通过")
    await expect(page.get_by_test_id("vote-opinion-item")).to_have_count(1)
    await expect(page.get_by_test_id("vote-dissent")).to_have_count(0)
    await expect(other.get_by_test_id("vote-opinions")).to_have_count(0)
