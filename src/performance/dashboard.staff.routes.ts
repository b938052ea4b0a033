// The live dashboard on the staff desktop, for team leaders and performance analysts:
// /staff/performance/dashboard is the page (each team's queue and SLA state, today's contacts by
// hour against a typical day, as SVG charts drawn here with tables of the same figures);
// /staff/performance/dashboard/live is the page's live parts alone, which its script
// (assets/js/performance-dashboard.js) fetches every minute and puts in place; and
// /staff/performance/dashboard.json is the same figures as data. Without JavaScript the page has
// a "Refresh" link and says when its figures were read. No meta refresh: it moves the page under
// people using assistive technology.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readQueueQuery, queueHref } from '../cases/queue.staff.routes.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import type { Dashboard, PerformanceDashboardService } from './dashboard.ts';
import { hourlyChart, type HourValue } from './dashboardChart.ts';

export interface DashboardStaffOptions {
  dashboard: Pick<PerformanceDashboardService, 'dashboard'>;
}

const PAGE = '/staff/performance/dashboard';
const LIVE = `${PAGE}/live`;
const view = (name: string) => `performance/views/dashboard/${name}.njk`;
/** How often the page's script asks for the live parts; the page says so in data-refresh-seconds. */
export const REFRESH_SECONDS = 60;

const LARGE_CHART = { width: 640, height: 260 };
const SMALL_CHART = { width: 360, height: 200 };

const twoDigits = (value: number) => String(value).padStart(2, '0');
const clock = (hour: number, minute = 0) => `${twoDigits(hour % 24)}:${twoDigits(minute)}`;

/** The dashboard in the reader's words: names in their language, counts formatted, the charts' geometry. */
function present(request: FastifyRequest, dashboard: Dashboard) {
  const t = request.t;
  const welsh = request.language === 'cy';
  const locale = welsh ? 'cy-GB' : 'en-GB';
  const whole = new Intl.NumberFormat(locale);
  const upToOneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const dayName = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(`${dashboard.day}T12:00:00Z`),
  );
  // Within a sentence: "a typical Sunday", "dydd Sul arferol".
  const weekday = welsh ? dayName.charAt(0).toLowerCase() + dayName.slice(1) : dayName;
  const now = clock(dashboard.time.hour, dashboard.time.minute);
  const { contacts } = dashboard;
  const channelName = (channel: string) => t(`contacts.channels.${channel}`);
  const hours = { from: clock(contacts.hours.first), to: clock(contacts.hours.last + 1) };

  const chartOf = (
    id: string,
    heading: string,
    values: HourValue[],
    totals: { today: number; typicalByNow: number },
    size: { width: number; height: number },
  ) => ({
    id,
    heading,
    title: t('performance.dashboard.contacts.chartTitle', { channel: heading }),
    description: t('performance.dashboard.contacts.chartDescription', {
      ...hours,
      weekday,
      today: whole.format(totals.today),
      typical: upToOneDecimal.format(totals.typicalByNow),
      time: now,
    }),
    chart: hourlyChart(values, contacts.hours, size),
  });
  const sumByHour = (channel?: string): HourValue[] => {
    const byHour = new Map<number, HourValue>();
    for (const row of contacts.byHour) {
      if (channel !== undefined && row.channel !== channel) continue;
      const value = byHour.get(row.hour) ?? { hour: row.hour, today: 0, typical: 0 };
      value.today += row.today;
      value.typical = Math.round((value.typical + row.typical) * 10) / 10;
      byHour.set(row.hour, value);
    }
    return [...byHour.values()];
  };

  return {
    at: dashboard.at,
    atIso: dashboard.at.toISOString(),
    teams: dashboard.teams.map((team) => ({
      id: team.id,
      name: (welsh && team.nameCy) || team.name,
      yourTeam: team.yourTeam,
      href: queueHref({ ...readQueueQuery({}), team: team.id }),
      open: whole.format(team.open),
      onTrack: whole.format(team.onTrack),
      dueSoon: whole.format(team.dueSoon),
      overdue: whole.format(team.overdue),
      hasOverdue: team.overdue > 0,
      unassigned: whole.format(team.unassigned),
      oldest:
        team.oldestAgeDays === null
          ? t('performance.dashboard.teams.noneOpen')
          : t('performance.dashboard.teams.days', { count: team.oldestAgeDays }),
    })),
    contacts: {
      any: contacts.byHour.length > 0,
      weekday,
      weeks: contacts.typicalWeeks,
      now,
      today: whole.format(contacts.total.today),
      typicalByNow: upToOneDecimal.format(contacts.total.typicalByNow),
      byChannel: contacts.byChannel.map((line) => ({
        channel: channelName(line.channel),
        today: whole.format(line.today),
        typicalByNow: upToOneDecimal.format(line.typicalByNow),
      })),
      overall: chartOf('all', t('performance.dashboard.contacts.allChannels'), sumByHour(), contacts.total, LARGE_CHART),
      // One small chart for each channel, so that a channel is told apart by its heading, not its colour.
      channelCharts: contacts.byChannel.map((line) =>
        chartOf(line.channel, channelName(line.channel), sumByHour(line.channel), line, SMALL_CHART),
      ),
      rows: contacts.byHour.map((row) => ({
        hour: t('performance.dashboard.contacts.hourRange', { from: clock(row.hour), to: clock(row.hour + 1) }),
        channel: channelName(row.channel),
        today: whole.format(row.today),
        typical: upToOneDecimal.format(row.typical),
      })),
    },
  };
}

/** The figures as data: names as kept, counts as numbers, times in UTC. */
function asJson(dashboard: Dashboard) {
  return {
    updatedAt: dashboard.at.toISOString(),
    day: dashboard.day,
    teams: dashboard.teams.map((team) => ({
      id: team.id,
      name: team.name,
      nameCy: team.nameCy,
      yourTeam: team.yourTeam,
      queueHref: queueHref({ ...readQueueQuery({}), team: team.id }),
      open: team.open,
      onTrack: team.onTrack,
      dueSoon: team.dueSoon,
      overdue: team.overdue,
      unassigned: team.unassigned,
      oldestReceivedAt: team.oldestReceivedAt?.toISOString() ?? null,
      oldestAgeDays: team.oldestAgeDays,
    })),
    contacts: {
      typicalWeeks: dashboard.contacts.typicalWeeks,
      total: dashboard.contacts.total,
      byChannel: dashboard.contacts.byChannel,
      byHour: dashboard.contacts.byHour,
    },
  };
}

export const dashboardStaffRoutes: FastifyPluginAsync<DashboardStaffOptions> = async (app, { dashboard }) => {
  app.addHook('preHandler', requireStaff());

  async function answer(request: FastifyRequest, reply: FastifyReply, form: 'page' | 'live' | 'json') {
    const shown = await dashboard.dashboard(staffOf(request));
    // Figures of the moment: never from a cache.
    reply.header('cache-control', 'no-store');
    if (form === 'json') return reply.type('application/json').send(asJson(shown));
    return reply.render(view(form === 'page' ? 'dashboard' : 'live'), {
      dashboard: present(request, shown),
      liveHref: LIVE,
      refreshHref: PAGE,
      refreshSeconds: REFRESH_SECONDS,
    });
  }

  app.get(PAGE, async (request, reply) => answer(request, reply, 'page'));
  app.get(LIVE, async (request, reply) => answer(request, reply, 'live'));
  app.get(`${PAGE}.json`, async (request, reply) => answer(request, reply, 'json'));
};
