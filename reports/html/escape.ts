/** Escaping for text placed in HTML and for JSON placed inside a <script> element. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that cannot close its <script> element or start an HTML comment. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A library's source inlined in a <script> element: only a literal `</script` could end it early. */
export function scriptSafe(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script');
}
