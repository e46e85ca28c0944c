// RFC 8628 device authorization grant: a TV asks for a code, the user confirms it in a browser
// and signs in as usual, the TV polls for its tokens.
import * as oidc from 'openid-client';
import { Browser, formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover, submitLogin } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
let gatehouse: TestGatehouse;
let tv: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startGatehouse();
  await gatehouse.running.core.accounts.create({ ...ALICE, emailVerified: true });
  await gatehouse.running.core.clients.create({
    client_id: 'tv', client_name: 'Living Room TV', token_endpoint_auth_method: 'none', first_party: true,
    grant_types: [DEVICE_GRANT, 'refresh_token'], response_types: [], redirect_uris: [],
  });
  tv = await discover(gatehouse.issuer, 'tv');
});
afterAll(() => gatehouse.close());

/** One token request for a device code, as the device polls. */
const poll = async (deviceCode: string) => {
  const response = await fetch(`${gatehouse.issuer}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: 'tv' }),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
};

/** The user's side: enter the code, confirm, sign in. Returns the last page. */
async function confirmInBrowser(verificationUri: string, userCode: string) {
  const browser = new Browser();
  const input = await browser.request(verificationUri);
  expect(input.body).toContain('Enter the code your device shows');
  expect(input.body).not.toMatch(/\son[a-z]+="/);
  const confirm = await browser.request(formAction(input.body, input.url), { form: { xsrf: hiddenField(input.body, 'xsrf'), user_code: userCode } });
  expect(confirm.body).toContain('Living Room TV');
  expect(confirm.body).toContain(userCode);
  const login = await browser.follow(formAction(confirm.body, confirm.url), () => false, {
    form: { xsrf: hiddenField(confirm.body, 'xsrf'), user_code: hiddenField(confirm.body, 'user_code'), confirm: 'yes' },
  });
  return submitLogin(browser, login, ALICE, () => false);
}

describe('device authorization grant (RFC 8628)', () => {
  it('advertises the device authorization endpoint and grant', async () => {
    expect(tv.serverMetadata()).toMatchObject({
      device_authorization_endpoint: `${gatehouse.issuer}/device/auth`,
      grant_types_supported: expect.arrayContaining([DEVICE_GRANT]),
    });
  });

  it('issues tokens once the user confirmed the code and signed in; the device code is then spent', async () => {
    const device = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid email offline_access' });
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(device.verification_uri).toBe(`${gatehouse.issuer}/device`);

    const done = await confirmInBrowser(device.verification_uri, device.user_code);
    expect(done.body).toContain('Device connected');

    const granted = await poll(device.device_code);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String), access_token: expect.any(String) });
    expect(await poll(device.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers authorization_pending while the user has not confirmed', async () => {
    const device = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid' });
    expect(await poll(device.device_code)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
  });

  it('tells the device access_denied when the user cancels', async () => {
    const device = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid' });
    const browser = new Browser();
    const input = await browser.request(device.verification_uri_complete!);
    const confirm = input.body.includes('op.deviceConfirmForm') ? input
      : await browser.request(formAction(input.body, input.url), { form: { xsrf: hiddenField(input.body, 'xsrf'), user_code: device.user_code } });
    await browser.follow(formAction(confirm.body, confirm.url), () => false, {
      form: { xsrf: hiddenField(confirm.body, 'xsrf'), user_code: hiddenField(confirm.body, 'user_code'), abort: 'yes' },
    });
    expect(await poll(device.device_code)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('says so when the code typed is wrong', async () => {
    const browser = new Browser();
    const input = await browser.request(`${gatehouse.issuer}/device`);
    const wrong = await browser.request(formAction(input.body, input.url), { form: { xsrf: hiddenField(input.body, 'xsrf'), user_code: 'BCDF-GHJK' } });
    expect(wrong.body).toContain('That code is not right');
  });
});
