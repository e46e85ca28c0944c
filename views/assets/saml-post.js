// The SAML HTTP-POST binding: send the response on at once (the button does it without JavaScript).
document.getElementById('saml-post')?.submit();
