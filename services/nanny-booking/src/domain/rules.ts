import { ClientError } from '@zero-idle/core';
import * as z from 'zod/mini';

/** A key's identifier (a username, a job id): DynamoDB takes key values up to 2,048 bytes, Cognito usernames are at most 128 characters. */
export const id = z.string().check(z.minLength(1, 'an id is required'), z.maxLength(128, 'an id has at most 128 characters'));

export type Role = 'admin' | 'parent' | 'nanny';
export type AccountStatus = 'UNVERIFIED' | 'VERIFIED' | 'DEACTIVATED';
export type JobStatus = 'OPEN' | 'CLOSED' | 'DONE';
export type ApplicationStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED';

export interface User {
  username: string;
  email: string;
  name: string;
  role: Role;
  status: AccountStatus;
  createdAt: string;
  ratingSum?: number;
  ratingCount?: number;
}

export interface Review {
  jobId: string;
  author: string;
  subject: string;
  rating: number;
  comment?: string | null;
  createdAt: string;
}

export interface Job {
  id: string;
  parent: string;
  title: string;
  description: string;
  startsAt: string;
  hourlyRate: number;
  status: JobStatus;
  createdAt: string;
  bookedNanny?: string;
  location?: { lat: number; lon: number } | null;
}

export interface Application {
  jobId: string;
  nanny: string;
  status: ApplicationStatus;
  appliedAt: string;
  declinedAt?: string;
}

/** Who is calling, from the verified token only (never from arguments). */
export interface Caller {
  username: string;
  groups: string[];
}

/** A GraphQL error with a type the client can branch on (AppSync shows the error's name as errorType). */
export class GraphQLError extends ClientError {
  constructor(
    readonly errorType: 'Unauthorized' | 'ValidationError' | 'Conflict' | 'NotFound',
    message: string,
  ) {
    super(400, message, errorType);
    this.name = errorType;
  }
}

const ROLES: Role[] = ['admin', 'parent', 'nanny'];

/** The role an account gets from its Cognito groups; one of admin, parent, nanny is required. */
export function roleOf(caller: Caller): Role {
  const role = ROLES.find((candidate) => caller.groups.includes(candidate));
  if (!role) throw new GraphQLError('Unauthorized', 'Your account is in none of the groups admin, parent, nanny');
  return role;
}

export function requireActive(user: User | undefined, caller: Caller): User {
  if (!user) throw new GraphQLError('Unauthorized', `No profile for ${caller.username}: call createUser first`);
  if (user.status === 'DEACTIVATED') throw new GraphQLError('Unauthorized', 'This account is deactivated');
  return user;
}

/** A job's applications are seen by the job's parent and by admins. */
export function canSeeApplications(caller: Caller, job: Job): boolean {
  return caller.groups.includes('admin') || job.parent === caller.username;
}

/** An email address as accounts keep it: trimmed, lower-cased, at most 254 characters (RFC 5321). */
const email = z
  .string()
  .check(z.trim(), z.toLowerCase(), z.maxLength(254, 'an email address has at most 254 characters'), z.email('email must be an email address'));

export const createUserInput = z.object({
  email,
  name: z.string().check(z.trim(), z.minLength(1, 'a name is required'), z.maxLength(100)),
});

export const createJobInput = z.object({
  title: z.string().check(z.trim(), z.minLength(3, 'a title has at least 3 characters'), z.maxLength(120)),
  description: z.string().check(z.trim(), z.maxLength(4_000)),
  startsAt: z.iso.datetime({ offset: true, error: 'startsAt must be an ISO date-time' }),
  hourlyRate: z.number().check(z.positive('hourlyRate must be positive'), z.lte(1_000, 'hourlyRate is at most 1000')),
  location: z.optional(z.nullable(z.object({ lat: z.number().check(z.gte(-90), z.lte(90)), lon: z.number().check(z.gte(-180), z.lte(180)) }))),
});

/** The average shown on profiles, to one decimal; null before the first rating. */
export function ratingAverage(user: Pick<User, 'ratingSum' | 'ratingCount'>): number | null {
  if (!user.ratingCount) return null;
  return Math.round(((user.ratingSum ?? 0) / user.ratingCount) * 10) / 10;
}

/** Who rates whom for a done job: the parent rates the booked nanny, the nanny rates the parent. */
export function ratingSubject(job: Job, caller: Caller): string {
  if (job.status !== 'DONE') throw new GraphQLError('Conflict', 'A job can be rated once it is done');
  if (caller.username === job.parent && job.bookedNanny) return job.bookedNanny;
  if (caller.username === job.bookedNanny) return job.parent;
  throw new GraphQLError('Unauthorized', "Only the job's parent and its booked nanny rate each other");
}

export const updateUserInput = z.object({
  email: z.optional(z.nullable(email)),
  name: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1, 'a name is required'), z.maxLength(100)))),
});

export const rateInput = z.object({
  jobId: id,
  rating: z.int().check(z.gte(1, 'a rating is 1 to 5'), z.lte(5, 'a rating is 1 to 5')),
  comment: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(2_000)))),
});

const location = z.object({ lat: z.number().check(z.gte(-90), z.lte(90)), lon: z.number().check(z.gte(-180), z.lte(180)) });

export const nearArgs = z.extend(location, {
  radiusKm: z.number().check(z.positive('radiusKm must be positive'), z.lte(19, 'radiusKm is at most 19')),
  limit: z._default(z.optional(z.nullable(z.int().check(z.gte(1, 'limit is 1 to 100'), z.lte(100, 'limit is 1 to 100')))), 20),
  nextToken: z.optional(z.nullable(z.string())),
});

export const pageArgs = z.object({
  limit: z._default(z.optional(z.nullable(z.int().check(z.gte(1, 'limit is 1 to 100'), z.lte(100, 'limit is 1 to 100')))), 20),
  nextToken: z.optional(z.nullable(z.string())),
});

/**
 * Who may read a user's account (email and status, through getUser): the user, an admin, and the
 * other party of a booking between them (a parent and the nanny they booked, both ways: each needs
 * the other's email to arrange the job). Anyone else reads the public profile.
 */
export function accountReadableBy(viewer: User, user: User, booked: (parent: string, nanny: string) => Promise<boolean>): Promise<boolean> | boolean {
  if (viewer.username === user.username || viewer.role === 'admin') return true;
  if (viewer.role === 'parent' && user.role === 'nanny') return booked(viewer.username, user.username);
  if (viewer.role === 'nanny' && user.role === 'parent') return booked(user.username, viewer.username);
  return false;
}
