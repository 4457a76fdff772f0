// Views drawn with Preact take their texts from t() as they render: a data-i18n attribute would
// have applyTranslations rewrite text that Preact owns. They render again after a switch instead.
import { useEffect, useState } from "preact/hooks";
import { language, onLanguageChange, type Lang } from "./i18n";

/** The page's language; the component that asks renders again when it is switched. */
export function useLanguage(): Lang {
  const [lang, setLang] = useState(language());
  useEffect(() => onLanguageChange(setLang), []);
  return lang;
}
