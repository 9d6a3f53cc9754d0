import type { tokensEn } from './tokens.en.ts';

export const tokensRu: Record<keyof typeof tokensEn, string> = {
  'tokens.title': 'Токены API',
  'tokens.hint': 'Токен позволяет системе вызывать JSON API от имени пользователя (Authorization: Bearer …) с его правами. Он показывается один раз при создании; хранится только его хеш.',
  'tokens.created': 'Токен «{name}» для {email} — скопируйте его сейчас, больше он не покажется:',
  'tokens.name': 'Название (какая система им пользуется)',
  'tokens.forUser': 'Для пользователя',
  'tokens.create': 'Создать токен',
  'tokens.none': 'Токенов пока нет.',
  'tokens.user': 'Пользователь',
  'tokens.createdAt': 'Создан ({zone})',
  'tokens.lastUsed': 'Последнее использование ({zone})',
  'tokens.revoked': 'отозван',
  'tokens.revoke': 'Отозвать',
  'tokens.unknownUser': 'Нет активного пользователя с таким e-mail.',
  'apiDocs.title': 'JSON API',
  'apiDocs.intro': 'Все операции API с полями тела запроса (обязательные — жирным), по документу OpenAPI 3.1:',
};
