// Who did something, as a person reads it: the server records actors by their timeline label
// ("user:3:王书记员", "participant:12:张三"), the name after the second colon.
export function actorName(label: string): string {
  return label.split(":").slice(2).join(":") || label;
}
