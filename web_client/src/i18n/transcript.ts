import { messages } from "../shared/messages";

/** The transcript (庭审笔录) panel in the bench's console. */
export const transcriptMessages = messages(
  {
    "transcript.title": "Transcript",
    "transcript.speaker": "Speaker",
    "transcript.court": "The court",
    "transcript.placeholder": "What is said…",
    "transcript.hint":
      "Alt+1–9 (or 1–9 outside the text) picks the speaker, Alt+0 the court; Enter adds the entry, Shift+Enter a new line.",
    "transcript.commit": "Add entry",
    "transcript.saved": "Draft saved",
    "transcript.saving": "Saving draft…",
    "transcript.unsaved":
      "Not yet saved: kept on this device, sent again when the connection is back",
    "transcript.empty": "Nothing in the transcript yet.",
    "transcript.failed": "The transcript could not be loaded: {message}",
  },
  {
    "transcript.title": "庭审笔录",
    "transcript.speaker": "发言人",
    "transcript.court": "法庭",
    "transcript.placeholder": "记录发言内容…",
    "transcript.hint":
      "Alt+1–9（或在文本框外按 1–9）选择发言人，Alt+0 选择法庭；Enter 添加一条记录，Shift+Enter 换行。",
    "transcript.commit": "添加记录",
    "transcript.saved": "草稿已保存",
    "transcript.saving": "正在保存草稿…",
    "transcript.unsaved": "尚未保存：已保留在本设备上，连接恢复后自动重新发送",
    "transcript.empty": "笔录中尚无内容。",
    "transcript.failed": "无法加载笔录：{message}",
  },
);
