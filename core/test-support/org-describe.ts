/**
 * Test support for A's load modules: an object's describe body fetched from a running emulator over real HTTP (a session
 * minted by its admin API), so the pure modules are tested against the shape the org really answers.
 */
export async function fetchDescribe(url: string, objectName: string, username = 'admin@orgdesk.example'): Promise<unknown> {
  const session = await fetch(`${url}/__emulator/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!session.ok) throw new Error(`The emulator refused a session: ${session.status} ${await session.text()}`);
  const { access_token: token, instance_url: instance } = (await session.json()) as { access_token: string; instance_url: string };
  const response = await fetch(`${instance}/services/data/v62.0/sobjects/${objectName}/describe`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`Describe of ${objectName} failed: ${response.status} ${await response.text()}`);
  return response.json();
}
