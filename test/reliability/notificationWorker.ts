// A job worker as `onedoor start` runs one (src/main.ts), for the notification reliability test:
// the `notifications.send` worker and its sweep, sending to a directory sink (each message a file,
// written once however often it is sent), with timings shortened from minutes to seconds so that
// a worker killed mid-send is noticed within the test: pg-boss looks for dead jobs every second,
// a send may take 3 seconds, and the sweep runs every 2 seconds instead of every 5 minutes.
//
// Usage: node --import tsx test/reliability/notificationWorker.ts <database url> <sink directory>
import { createDb } from '../../src/db/database.ts';
import { startJobs } from '../../src/platform/jobs.ts';
import { notificationJobs, sweepWaitingNotifications, type DeliverySettings } from '../../src/platform/notifications/delivery.ts';
import { directorySender } from '../../src/platform/notifications/senders.ts';

const [databaseUrl, sinkDirectory] = process.argv.slice(2);
if (!databaseUrl || !sinkDirectory) throw new Error('usage: notificationWorker.ts <database url> <sink directory>');

const settings: DeliverySettings = {
  maxAttempts: 20,
  retryDelaySeconds: 1,
  retryBackoff: false,
  sweepAfterSeconds: 2,
  sendTimeoutSeconds: 3,
  pollingIntervalSeconds: 0.5,
};
const { db } = createDb(databaseUrl, 4);
// A provider takes a little while to accept each message, so that a kill often lands mid-send.
const sender = directorySender(sinkDirectory, { delayMs: 40 });
const notifications = notificationJobs(db, sender, settings);
await startJobs(databaseUrl, [], { error: (object, message) => console.error(message, object) }, notifications.workers, {
  maintenanceIntervalSeconds: 1,
});
setInterval(() => {
  void sweepWaitingNotifications(db, settings.sweepAfterSeconds, {
    sendingAbandonedAfterSeconds: settings.sendTimeoutSeconds,
  }).catch((error: unknown) => console.error('sweep failed', error));
}, 2_000);
console.log('ready');
