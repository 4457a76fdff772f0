import { messages } from "../shared/messages";

export const archiveMessages = messages({}, {});
