import { describeChoice } from './choice';
import type { Subscriber } from './ports';
import { nameOfRegion } from './regions';

const choiceText = (subscriber: Subscriber) => describeChoice(subscriber.choice, new Map(subscriber.choice.regions.map((id) => [id, nameOfRegion(id)])));
const linkOf = (subscriber: Subscriber, siteUrl: string) => `${siteUrl}/subscriptions/${subscriber.token}`;

/** The personal link, asked for from the page every alert links to. */
export function personalLink(subscriber: Subscriber, siteUrl: string) {
  return {
    subject: 'Your gas price alerts: your link to change or stop them',
    message: [
      `You follow: ${choiceText(subscriber)}.`,
      '',
      `To change or stop these alerts, open your link (keep it to yourself): ${linkOf(subscriber, siteUrl)}`,
      '',
      'Someone asked for this link on the gas price alerts page. If it was not you, nothing has changed.',
    ].join('\n'),
  };
}

/** What the subscriber is told when a new choice replaced theirs (subscribing again with the address). */
export function changeNotice(subscriber: Subscriber, siteUrl: string) {
  return {
    subject: 'Your gas price alerts changed',
    message: [
      `Your gas price alerts now cover: ${choiceText(subscriber)}.`,
      '',
      `If you did not ask for this, change it back or stop the alerts with your link: ${linkOf(subscriber, siteUrl)}`,
    ].join('\n'),
  };
}
