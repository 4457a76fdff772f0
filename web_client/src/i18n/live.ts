import { messages } from "../shared/messages";

export const liveMessages = messages({}, {});
