import { messages } from "../shared/messages";

/** Exhibits and their examination (质证): the sides' lists, the aspects examined, the opinions. */
export const exhibitMessages = messages(
  {
    "exhibit.side.court": "Court",
    "exhibit.side.plaintiff": "Plaintiff",
    "exhibit.side.defendant": "Defendant",
    "exhibit.side.third_party": "Third party",
    "exhibit.side.prosecution": "Prosecution",
    "exhibit.side.defence": "Defence",
    "exhibit.aspect.authenticity": "Authenticity",
    "exhibit.aspect.legality": "Legality",
    "exhibit.aspect.relevance": "Relevance",
    "exhibit.opinion.admitted": "Admitted",
    "exhibit.opinion.disputed": "Disputed",
  },
  {
    "exhibit.side.court": "法院",
    "exhibit.side.plaintiff": "原告",
    "exhibit.side.defendant": "被告",
    "exhibit.side.third_party": "第三人",
    "exhibit.side.prosecution": "公诉机关",
    "exhibit.side.defence": "辩方",
    "exhibit.aspect.authenticity": "真实性",
    "exhibit.aspect.legality": "合法性",
    "exhibit.aspect.relevance": "关联性",
    "exhibit.opinion.admitted": "认可",
    "exhibit.opinion.disputed": "有异议",
  },
);
