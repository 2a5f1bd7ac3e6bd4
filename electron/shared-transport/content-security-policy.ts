/**
 * The renderer's Content-Security-Policy, the same in Electron (app://) and browser mode (Electron security checklist:
 * "Define a Content Security Policy"). Scripts only from the app itself, no eval, no plugins, no framing, no forms.
 *
 * `style-src 'unsafe-inline'` is the one relaxation: Monaco and React's style attributes set styles at run time; scripts stay
 * strictly `'self'`, which is what stops injected code.
 */
export function contentSecurityPolicy(options: { connectSrc?: readonly string[] } = {}): string {
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(options.connectSrc ?? [])],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}
