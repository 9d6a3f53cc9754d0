import type { tokensEn } from './tokens.en.ts';

export const tokensZh: Record<keyof typeof tokensEn, string> = {
  'tokens.title': 'API 令牌',
  'tokens.hint': '令牌让系统以其用户身份调用 JSON API（Authorization: Bearer …），权限与该用户相同。令牌仅在创建时显示一次；系统只保存其哈希。',
  'tokens.created': '{email} 的令牌“{name}”——请立即复制，之后不会再显示：',
  'tokens.name': '名称（哪个系统使用）',
  'tokens.forUser': '所属用户',
  'tokens.create': '创建令牌',
  'tokens.none': '暂无令牌。',
  'tokens.user': '用户',
  'tokens.createdAt': '创建时间（{zone}）',
  'tokens.lastUsed': '最近使用（{zone}）',
  'tokens.revoked': '已撤销',
  'tokens.revoke': '撤销',
  'tokens.unknownUser': '没有使用该邮箱的有效用户。',
  'apiDocs.title': 'JSON API',
  'apiDocs.intro': 'API 的全部操作及请求体字段（必填项加粗），来自 OpenAPI 3.1 文档：',
};
