/**
 * Reading the multipart/form-data body of "create a job with its data" (Bulk 2.0, small jobs): a `job` part with the
 * job's JSON and a `content` part (`filename="content"`) with the CSV.
 */

/** The parts by name. */
export type MultipartParts = Map<string, string>;

/** The boundary of a `multipart/form-data; boundary=...` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Splits a multipart body into its named parts; undefined when it is not well formed. */
export function parseMultipart(body: string, boundary: string): MultipartParts | undefined {
  const parts = new Map<string, string>();
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter);
  if (sections.length < 3) return undefined;
  for (const section of sections.slice(1)) {
    if (section.startsWith('--')) break;
    const text = section.replace(/^\r?\n/, '');
    const split = /\r?\n\r?\n/.exec(text);
    if (!split) return undefined;
    const head = text.slice(0, split.index);
    let content = text.slice(split.index + split[0].length);
    content = content.replace(/\r?\n$/, '');
    const name = /content-disposition:[^\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) return undefined;
    parts.set(name, content);
  }
  return parts;
}
