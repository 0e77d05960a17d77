/** Cleans a folder path pasted into a text field: whitespace, and the quotes "Copy as path" adds. */
export function cleanPastedPath(input: string): string {
  let path = input.trim();
  const quoted = /^(["'])(.*)\1$/s.exec(path);
  if (quoted) path = quoted[2]!.trim();
  return path;
}
