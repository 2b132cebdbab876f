import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express, {
  ErrorRequestHandler,
  Request,
  RequestHandler,
  Router,
} from 'express';
import PromiseRouter from 'express-promise-router';
import { createOpenApiRouter, spec } from '../schema/openapi/generated/router';

type Schema = {
  $ref?: string;
  properties?: Record<string, unknown>;
};

/** The properties the spec allows in the body of the request's operation. */
function bodyProperties(req: Request): string[] | undefined {
  const route = (req as { openapi?: { openApiRoute?: string } }).openapi
    ?.openApiRoute;
  const paths = spec.paths as Record<string, Record<string, any> | undefined>;
  let schema: Schema | undefined =
    route &&
    paths[route]?.[req.method.toLowerCase()]?.requestBody?.content?.[
      'application/json'
    ]?.schema;
  if (schema?.$ref) {
    const name = schema.$ref.split('/').pop()!;
    schema = (spec.components.schemas as Record<string, Schema>)[name];
  }
  return schema?.properties ? Object.keys(schema.properties) : undefined;
}

/**
 * Ajv says `request/body must NOT have additional properties` without
 * naming them; the caller is told which.
 */
function nameUnknownFields(error: Error, req: Request): Error {
  const allowed = bodyProperties(req);
  if (
    !/must NOT have additional properties/.test(error.message) ||
    !allowed ||
    typeof req.body !== 'object' ||
    req.body === null
  ) {
    return error;
  }
  const unknown = Object.keys(req.body).filter(k => !allowed.includes(k));
  return unknown.length > 0
    ? new InputError(`${error.message}: ${unknown.join(', ')}`)
    : error;
}

/**
 * A POST or DELETE without a body (approve without a comment, decommission
 * without a reason) carries no content type; the validator would refuse it
 * as an unsupported media type although the spec makes the body optional.
 */
const bodilessIsJson: RequestHandler = (req, _res, next) => {
  const length = req.headers['content-length'];
  if (
    !req.headers['content-type'] &&
    !req.headers['transfer-encoding'] &&
    (length === undefined || length === '0')
  ) {
    req.headers['content-type'] = 'application/json';
  }
  next();
};

/**
 * Credentials come before input: a caller that is not a signed-in user gets
 * the route's own 401 or 403 (audited there, as before), not feedback about
 * the input it sent. Every route but `/health` checks credentials first.
 */
function credentialsBeforeInput(
  httpAuth: HttpAuthService,
): ErrorRequestHandler {
  return (error, req, _res, next) => {
    if (req.path === '/health') {
      next(nameUnknownFields(error, req));
      return;
    }
    httpAuth.credentials(req, { allow: ['user'] }).then(
      () => next(nameUnknownFields(error, req)),
      // Resume routing without the error: the route refuses the caller.
      () => next(),
    );
  };
}

// Requests one of this plugin's API routers has checked already. Each
// feature mounts its own router on the plugin's, all with the same spec, so
// a request passes the checks of every router mounted before its own:
// checking it again (the body against its schema, the route looked up anew)
// would only cost CPU.
const checked = new WeakSet<Request>();

/**
 * A router whose requests are checked against openapi.yaml before any
 * handler sees them: what breaks the spec is answered 400 (InputError)
 * naming the parameter or field, e.g. `request/body/namespace must NOT have
 * more than 63 characters`. Handlers keep the checks the spec cannot
 * express (zod refinements, permissions).
 */
export async function createApiRouter(
  httpAuth: HttpAuthService,
): Promise<Router> {
  const validator = await createOpenApiRouter({
    middleware: [bodilessIsJson, express.json({ limit: '64kb' })],
  });
  validator.use(credentialsBeforeInput(httpAuth));
  const router = PromiseRouter();
  router.use((req, res, next) => {
    if (checked.has(req)) {
      next();
      return;
    }
    validator(req, res, (error?: unknown) => {
      // Passed (or refused with the caller's own 401/403 to come): the
      // routers mounted after this one need not check it again.
      if (error === undefined) checked.add(req);
      next(error);
    });
  });
  return router;
}
