// Given: a message as an author's mail client builds it.
export { compose as aMessage, submissionIdOf as theSubmissionIdOf } from '../support/mail';
