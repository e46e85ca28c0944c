// Passkey ceremonies for the sign-in, second-factor and account pages. Every other part of those
// pages works without JavaScript; passkeys need it (WebAuthn is a browser API).
(() => {
  const { startAuthentication, startRegistration, browserSupportsWebAuthn, browserSupportsWebAuthnAutofill } = window.SimpleWebAuthnBrowser;
  if (!browserSupportsWebAuthn()) return;

  const post = async (url, body) => {
    const response = await fetch(url, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error_description || 'The passkey could not be used.');
    return answer;
  };
  const showError = (element, error) => {
    const box = document.getElementById(element.dataset.error);
    if (!box || error.name === 'AbortError') return;
    box.textContent = error.name === 'NotAllowedError' ? 'The passkey request was cancelled or timed out.' : error.message;
    box.hidden = false;
  };

  // sign in, or confirm a second factor, with a passkey
  const authenticate = async (element, autofill) => {
    const { csrf } = element.dataset;
    const optionsJSON = await post(element.dataset.options, { csrf });
    const response = await startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
    const { location } = await post(element.dataset.verify, { csrf, response });
    window.location.assign(location);
  };
  for (const button of document.querySelectorAll('[data-passkey="authenticate"]')) {
    button.hidden = false;
    button.addEventListener('click', () => authenticate(button, false).catch((error) => showError(button, error)));
  }
  const autofill = document.querySelector('[data-passkey-autofill]');
  if (autofill) {
    // a passkey picked from the email field's suggestions; silent when the page moves on instead
    browserSupportsWebAuthnAutofill().then((supported) => supported && authenticate(autofill, true)).catch(() => {});
  }

  // add a passkey to the account
  for (const button of document.querySelectorAll('[data-passkey="register"]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        const { csrf } = button.dataset;
        const optionsJSON = await post(button.dataset.options, { csrf });
        const response = await startRegistration({ optionsJSON });
        const name = document.getElementById(button.dataset.name)?.value ?? '';
        const { location } = await post(button.dataset.verify, { csrf, response, name });
        window.location.assign(location);
      } catch (error) {
        showError(button, error);
      }
    });
  }
})();
