"""The built client loads in Chromium in both languages."""

import pytest

from tests.browser.conftest import OpenTab


@pytest.mark.parametrize(("locale", "lang"), [("zh-CN", "zh-CN"), ("en-US", "en")])
async def test_pages_follow_the_browser_language(open_tab: OpenTab, locale: str, lang: str) -> None:
    tab = await open_tab("smoke", "/join", locale=locale)
    assert await tab.page.evaluate("document.documentElement.lang") == lang
