/**
 * Responses of the hot routes written by fast-json-stringify from a JSON schema generated from their zod
 * schema: the zod serializer parsed every response again (`safeEncode`) before `JSON.stringify`, 5% of a
 * webhook's CPU in the profile (docs/benchmarks.md). The zod schema stays the one source: the route
 * declares it, /docs shows it, and this derives the JSON schema from it once, at start-up. Same bytes
 * out as JSON.stringify of the parsed value (test/routes/compiled-serializer.test.ts); what it gives up
 * is the check that the handler returned what the schema promises, which the route tests make.
 * @see https://fastify.dev/docs/latest/Reference/Validation-and-Serialization/#serialization
 */
import { z } from 'zod'
import fastJson from 'fast-json-stringify'

/** A route's `serializerCompiler`: called once per status code with that response's zod schema. */
export function compiledSerializer ({ schema }: { schema: unknown }): (data: unknown) => string {
  return fastJson(z.toJSONSchema(schema as z.ZodType, { target: 'draft-7', io: 'output' }) as Parameters<typeof fastJson>[0])
}
