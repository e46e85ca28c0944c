declare module 'oidc-provider/lib/helpers/initialize_keystore.js' {
  const initializeKeystore: (this: unknown, jwks: unknown) => void;
  export default initializeKeystore;
}
