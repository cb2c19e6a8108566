// Given: the buttons as they are before the step under test.
export { givenAButton as aButton } from '../support/buttons';
