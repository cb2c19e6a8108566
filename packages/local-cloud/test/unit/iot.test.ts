import { describe, expect, it } from '@jest/globals';
import { topicMatches } from '../../src/events/iot';

describe('topicMatches', () => {
  it.each([
    ['iotbutton/+', 'iotbutton/G030', true],
    ['iotbutton/+', 'iotbutton/G030/extra', false],
    ['iotbutton/+', 'iotbutton', false],
    ['iotbutton/#', 'iotbutton/a/b', true],
    ['#', 'anything/at/all', true],
    ['a/+/c', 'a/b/c', true],
    ['a/b', 'a/c', false],
  ])('%s against %s is %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
