import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { viewContext } from '../../views/view-context.ts';
import { ApiDocsPage } from '../../views/api-docs-page.tsx';
import { openApiDocument, openApiOperations } from './openapi.ts';

/** The OpenAPI document and its page; public (they describe the API, they expose no data). Mounted before the API's sign-in check. */
export function apiDocsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/api/v1/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/api/docs', (c) => c.html(<ApiDocsPage ctx={viewContext(c)} ops={openApiOperations()} />));
  return app;
}
