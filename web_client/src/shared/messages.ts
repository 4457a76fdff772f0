/** A dictionary in both languages; the types make a key missing from either one a compile error. */
export function messages<K extends string>(
  en: Record<K, string>,
  zh: Record<K, string>,
): { en: Record<K, string>; zh: Record<K, string> } {
  return { en, zh };
}
