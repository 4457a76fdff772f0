import { messages } from "../shared/messages";

export const staffMessages = messages({}, {});
