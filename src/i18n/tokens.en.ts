/** English strings of API tokens (the reference: the other catalogs have exactly these keys). */
export const tokensEn = {
  'tokens.title': 'API tokens',
  'tokens.hint': 'A token lets a system call the JSON API as its user (Authorization: Bearer …), with the user\'s rights. It is shown once when made; only a hash of it is kept.',
  'tokens.created': 'Token “{name}” for {email} — copy it now; it is not shown again:',
  'tokens.name': 'Name (which system uses it)',
  'tokens.forUser': 'For the user',
  'tokens.create': 'Make a token',
  'tokens.none': 'No tokens yet.',
  'tokens.user': 'User',
  'tokens.createdAt': 'Made ({zone})',
  'tokens.lastUsed': 'Last used ({zone})',
  'tokens.revoked': 'revoked',
  'tokens.revoke': 'Revoke',
  'tokens.unknownUser': 'No active user with this e-mail.',
  'apiDocs.title': 'JSON API',
  'apiDocs.intro': 'Every operation of the API with its body\'s fields (required ones in bold), from the OpenAPI 3.1 document:',
} as const;
