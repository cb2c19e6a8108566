/** The marketplace's records, as the domain and the GraphQL schema know them (no table keys). */
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

/** What anyone may read about a user: no email, no status. */
export interface Profile {
  username: string;
  name: string;
  role: Role;
  ratingAverage: number | null;
  ratingCount: number;
  reviews: Review[];
}

/** Who is calling, from the verified token only (never from arguments). */
export interface Caller {
  username: string;
  groups: string[];
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}
