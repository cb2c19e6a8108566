// Given: people signed in with Cognito (real tokens, in their groups) and the jobs they made.
export { bookedJob as aBookedJob, member as aMember, postJob as aPostedJob, signedIn as aSignedInPerson, unique as aUniqueName } from '../support/people';
