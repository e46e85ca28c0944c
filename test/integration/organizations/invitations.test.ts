import { Browser, postForm, type Page } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { linkIn, startMailbox, type Mailbox } from '../../helpers/mailbox.ts';
import { ALICE, seedWebApp } from '../../helpers/seed.ts';

const PASSWORD = 'a perfectly fine passphrase';
const LOGIN_FORM = /action="\/interaction\/[\w-]+\/login"/;

/** Invitations by email: a single-use link, accepted by the invited address only, once. */
describe('organization invitations', () => {
  let gatehouse: TestGatehouse;
  let mailbox: Mailbox;

  beforeAll(async () => {
    mailbox = await startMailbox();
    gatehouse = await startGatehouse({ env: { SMTP_URL: mailbox.url, LOGIN_RATE_LIMIT: '1000', ACCOUNT_REGISTRATION: 'true' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await core.organizations.create('cli:test', { slug: 'acme', name: 'Acme Corp', primary_color: '#aa3300' });
  });
  afterAll(async () => {
    await gatehouse.close();
    await mailbox.close();
  });

  const invite = async (email: string, roles: string[]) => {
    await gatehouse.running.core.organizations.invite('cli:test', 'acme', email, roles);
    const mail = await mailbox.next(email);
    expect(mail.subject).toContain('Acme Corp');
    return linkIn(mail, `${gatehouse.issuer}/invitations/accept?token=`);
  };
  const memberships = async (email: string) => {
    const { core } = gatehouse.running;
    const account = await core.accounts.findByEmail(email);
    return (await core.organizations.membershipsOf(account!.id)).map((m) => ({ slug: m.organization.slug, roles: m.roles }));
  };
  /** Opens the link, signs in from its page as `who`, and answers the invitation page that follows. */
  const openAndSignIn = async (browser: Browser, link: string, who: { email: string; password: string }): Promise<Page> => {
    const page = await browser.follow(link);
    expect(page.body).toContain('Sign in to accept');
    const login = await browser.follow(new URL(page.body.match(/href="(\/invitations\/sign-in\?token=[^"]+)"/)![1]!, link).href);
    expect(login.body).toMatch(LOGIN_FORM);
    return postForm(browser, login, '/login', who);
  };

  it('the invited address signs in and joins with the invited roles; the link works once', async () => {
    const erin = { email: 'erin@example.com', password: PASSWORD };
    await gatehouse.running.core.accounts.create({ ...erin, emailVerified: true });
    const link = await invite(erin.email, ['viewer', 'billing']);
    const browser = new Browser();

    const scanned = await new Browser().follow(link); // a mail scanner opening the link uses nothing up
    expect(scanned.status).toBe(200);

    const page = await openAndSignIn(browser, link, erin);
    expect(page.url).toBe(link);
    expect(page.body).toContain('You are invited to join <strong>Acme Corp</strong> as <strong>erin@example.com</strong>');
    const joined = await postForm(browser, page, '/invitations/accept');
    expect(joined.body).toContain('You are now a member of Acme Corp.');
    expect(await memberships(erin.email)).toEqual([{ slug: 'acme', roles: ['billing', 'viewer'] }]);

    const reopened = await browser.follow(link);
    expect(reopened.status).toBe(400);
    expect(reopened.body).toContain('expired or was already used');
    const replayed = await postForm(browser, page, '/invitations/accept');
    expect(replayed.status).toBe(400);
  });

  it('refuses another account with a clear message and leaves the invitation for the invited address', async () => {
    const link = await invite('frank@example.com', ['viewer']);
    const browser = new Browser();
    const page = await openAndSignIn(browser, link, ALICE);
    expect(page.body).toContain(`You are signed in as ${ALICE.email}. Only frank@example.com can accept this invitation`);
    const refused = await postForm(browser, page, '/invitations/accept');
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(`This invitation is for frank@example.com, but you are signed in as ${ALICE.email}`);
    expect(await memberships(ALICE.email)).toEqual([]);

    // the invited person registers, then accepts the same link
    const frank = new Browser();
    const invitation = await frank.follow(link);
    const login = await frank.follow(new URL(invitation.body.match(/href="(\/invitations\/sign-in\?token=[^"]+)"/)![1]!, link).href);
    const register = await frank.follow(new URL(login.body.match(/href="(\/register\?return_to=[^"]+)"/)![1]!, login.url).href);
    await postForm(frank, register, '/register', { email: 'frank@example.com', name: 'Frank', password: PASSWORD, password_confirm: PASSWORD });
    const confirm = await frank.follow(linkIn(await mailbox.next('frank@example.com'), `${gatehouse.issuer}/register/confirm`));
    const ready = await postForm(frank, confirm, '/register/confirm');
    const back = await frank.follow(new URL(ready.body.match(/href="(\/interaction\/[^"]+)"/)![1]!, ready.url).href);
    const signedIn = await postForm(frank, back, '/login', { email: 'frank@example.com', password: PASSWORD });
    expect(signedIn.url).toBe(link);
    const joined = await postForm(frank, signedIn, '/invitations/accept');
    expect(joined.body).toContain('You are now a member of Acme Corp.');
    expect(await memberships('frank@example.com')).toEqual([{ slug: 'acme', roles: ['viewer'] }]);
  });

  it('refuses a made-up or malformed link', async () => {
    for (const token of ['x'.repeat(43), 'short', '']) {
      const page = await new Browser().follow(`${gatehouse.issuer}/invitations/accept?token=${token}`);
      expect(page.status).toBe(400);
    }
  });
});
