import { EntitySchema } from 'typeorm';
import type { Participant } from '../../saml/participants.ts';

/** SAML service providers that took part in a sign-in session, for single logout. */
export const SamlParticipantEntity = new EntitySchema<Participant>({
  name: 'SamlParticipant',
  tableName: 'saml_session_participants',
  columns: {
    sessionUid: { name: 'session_uid', type: 'varchar', length: 255, primary: true },
    entityId: { name: 'entity_id', type: 'varchar', length: 1024, primary: true },
    nameId: { name: 'name_id', type: 'varchar', length: 512 },
    nameIdFormat: { name: 'name_id_format', type: 'varchar', length: 255 },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
  },
  indices: [
    { name: 'saml_participants_name_id', columns: ['entityId', 'nameId'] },
    { name: 'saml_participants_expires_at', columns: ['expiresAt'] },
  ],
});
