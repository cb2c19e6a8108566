import { Conflict, Forbidden } from './errors';
import type { Caller, Job, Role, User } from './model';

const ROLES: Role[] = ['admin', 'parent', 'nanny'];

/** The role an account gets from its Cognito groups; one of admin, parent, nanny is required. */
export function roleOf(caller: Caller): Role {
  const role = ROLES.find((candidate) => caller.groups.includes(candidate));
  if (!role) throw new Forbidden('Your account is in none of the groups admin, parent, nanny');
  return role;
}

export function requireActive(user: User | undefined, caller: Caller): User {
  if (!user) throw new Forbidden(`No profile for ${caller.username}: call createUser first`);
  if (user.status === 'DEACTIVATED') throw new Forbidden('This account is deactivated');
  return user;
}

/** A job's applications are seen by the job's parent and by admins. */
export function canSeeApplications(caller: Caller, job: Job): boolean {
  return caller.groups.includes('admin') || job.parent === caller.username;
}

/** The average shown on profiles, to one decimal; null before the first rating. */
export function ratingAverage(user: Pick<User, 'ratingSum' | 'ratingCount'>): number | null {
  if (!user.ratingCount) return null;
  return Math.round(((user.ratingSum ?? 0) / user.ratingCount) * 10) / 10;
}

/** Who rates whom for a done job: the parent rates the booked nanny, the nanny rates the parent. */
export function ratingSubject(job: Job, caller: Caller | User): string {
  if (job.status !== 'DONE') throw new Conflict('A job can be rated once it is done');
  if (caller.username === job.parent && job.bookedNanny) return job.bookedNanny;
  if (caller.username === job.bookedNanny) return job.parent;
  throw new Forbidden("Only the job's parent and its booked nanny rate each other");
}

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
