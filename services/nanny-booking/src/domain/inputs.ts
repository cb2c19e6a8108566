import * as z from 'zod/mini';

/** A key's identifier (a username, a job id): DynamoDB takes key values up to 2,048 bytes, Cognito usernames are at most 128 characters. */
export const id = z.string().check(z.minLength(1, 'an id is required'), z.maxLength(128, 'an id has at most 128 characters'));

/** An email address as accounts keep it: trimmed, lower-cased, at most 254 characters (RFC 5321). */
const email = z
  .string()
  .check(z.trim(), z.toLowerCase(), z.maxLength(254, 'an email address has at most 254 characters'), z.email('email must be an email address'));

const name = z.string().check(z.trim(), z.minLength(1, 'a name is required'), z.maxLength(100));

const location = z.object({ lat: z.number().check(z.gte(-90), z.lte(90)), lon: z.number().check(z.gte(-180), z.lte(180)) });

export const createUserInput = z.object({ email, name });

export const updateUserInput = z.object({ email: z.optional(z.nullable(email)), name: z.optional(z.nullable(name)) });

export const createJobInput = z.object({
  title: z.string().check(z.trim(), z.minLength(3, 'a title has at least 3 characters'), z.maxLength(120)),
  description: z.string().check(z.trim(), z.maxLength(4_000)),
  startsAt: z.iso.datetime({ offset: true, error: 'startsAt must be an ISO date-time' }),
  hourlyRate: z.number().check(z.positive('hourlyRate must be positive'), z.lte(1_000, 'hourlyRate is at most 1000')),
  location: z.optional(z.nullable(location)),
});

export const rateInput = z.object({
  jobId: id,
  rating: z.int().check(z.gte(1, 'a rating is 1 to 5'), z.lte(5, 'a rating is 1 to 5')),
  comment: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(2_000)))),
});

const limit = z._default(z.optional(z.nullable(z.int().check(z.gte(1, 'limit is 1 to 100'), z.lte(100, 'limit is 1 to 100')))), 20);

export const pageArgs = z.object({ limit, nextToken: z.optional(z.nullable(z.string())) });

export const nearArgs = z.extend(location, {
  radiusKm: z.number().check(z.positive('radiusKm must be positive'), z.lte(19, 'radiusKm is at most 19')),
  limit,
  nextToken: z.optional(z.nullable(z.string())),
});

export const usernameArgs = z.object({ username: id });
export const jobArgs = z.object({ jobId: id });
export const bookArgs = z.object({ jobId: id, nanny: id });
export const jobPageArgs = z.extend(pageArgs, { jobId: id });
export const accountStatusArgs = z.object({ username: id, status: z.enum(['UNVERIFIED', 'VERIFIED', 'DEACTIVATED']) });

export type PageArgs = z.infer<typeof pageArgs>;

/** The page the store reads for page arguments: 20 items when the client sent no limit (or null). */
export const pageRequest = ({ limit, nextToken }: PageArgs) => ({ limit: limit ?? 20, nextToken });
