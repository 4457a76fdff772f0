import { messages } from "../shared/messages";

/** Taking part online: the notice and the answer on the join page, and the answer as the bench
 * sees it (console, participants screen, archive timeline). The notice's own words come from
 * the server (court/consent.py), in both languages. */
export const consentMessages = messages(
  {
    "consent.question": "Do you agree to take part in this hearing online?",
    "consent.agree": "I agree to take part online",
    "consent.refuse": "I do not agree",
    "consent.sending": "Sending your answer…",
    "consent.refused_note":
      "The court will be told that you do not agree to take part online, and will decide whether you attend in the courtroom. You can still continue to the waiting room.",
    "consent.agreed_note": "You agreed to take part online ({at}).",
    "consent.refused_at": "You did not agree to take part online ({at}).",
    "consent.change_to_agree": "I agree after all",
    "consent.change_to_refuse": "I no longer agree",
    "consent.read_notice": "Notice on taking part online",
    "consent.answer.agreed": "Agreed to take part online",
    "consent.answer.refused": "Does not agree to take part online",
    "consent.answer.pending": "Not yet answered on taking part online",
    "consent.short.agreed": "Online: agreed",
    "consent.short.refused": "Online: refused",
    "consent.short.pending": "Online: not yet",
    "consent.at": "{answer} · {at}",
  },
  {
    "consent.question": "您是否同意在线参加本次庭审？",
    "consent.agree": "同意在线参加庭审",
    "consent.refuse": "不同意",
    "consent.sending": "正在提交您的意见…",
    "consent.refused_note":
      "法庭将收到您不同意在线参加庭审的意见，并决定是否安排您到法庭参加。您仍可以继续进入候审室。",
    "consent.agreed_note": "您已同意在线参加庭审（{at}）。",
    "consent.refused_at": "您不同意在线参加庭审（{at}）。",
    "consent.change_to_agree": "改为同意",
    "consent.change_to_refuse": "改为不同意",
    "consent.read_notice": "在线庭审须知",
    "consent.answer.agreed": "同意在线庭审",
    "consent.answer.refused": "不同意在线庭审",
    "consent.answer.pending": "尚未表示是否同意在线庭审",
    "consent.short.agreed": "在线：同意",
    "consent.short.refused": "在线：不同意",
    "consent.short.pending": "在线：未答复",
    "consent.at": "{answer} · {at}",
  },
);
