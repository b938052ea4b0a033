import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { axisStep, hourlyChart } from './dashboardChart.ts';

describe('the dashboard’s hourly chart', () => {
  it('steps the value axis in ones, twos and fives, never below one contact', () => {
    assert.deepEqual([0, 3, 4, 7, 9, 21, 40, 41, 180, 1234].map(axisStep), [1, 1, 1, 2, 5, 10, 10, 20, 50, 500]);
  });

  it('draws a bar for each hour with contacts today and a marker for every hour of the typical day', () => {
    const chart = hourlyChart(
      [
        { hour: 9, today: 4, typical: 2 },
        { hour: 11, today: 0, typical: 1.5 },
      ],
      { first: 9, last: 12 },
      { width: 452, height: 248 },
    );
    // 4 hours across 452 - 52 - 12 = 388 px: bands of 97 px; the plot 12 to 212 px high, up to 4.
    assert.equal(chart.max, 4);
    assert.deepEqual(chart.plot, { left: 52, top: 12, right: 440, bottom: 212 });
    assert.deepEqual(
      chart.xLabels.map((label) => label.label),
      ['09', '10', '11', '12'],
    );
    assert.deepEqual(chart.bars[0], { x: 71.4, y: 12, width: 58.2, height: 200, hour: 9, value: 4 });
    assert.deepEqual(
      chart.bars.map((bar) => bar.height),
      [200, 0, 0, 0],
    );
    assert.deepEqual(
      chart.markers.map((marker) => [marker.cx, marker.cy]),
      [
        [100.5, 112],
        [197.5, 212],
        [294.5, 137],
        [391.5, 212],
      ],
    );
    assert.equal(chart.typicalLine, '100.5,112 197.5,212 294.5,137 391.5,212');
    assert.deepEqual(
      chart.yTicks.map((tick) => [tick.value, tick.y]),
      [
        [0, 212],
        [1, 162],
        [2, 112],
        [3, 62],
        [4, 12],
      ],
    );
  });

  it('draws an empty day with an axis up to one', () => {
    const chart = hourlyChart([], { first: 8, last: 17 });
    assert.equal(chart.max, 1);
    assert.equal(chart.bars.length, 10);
    assert.ok(chart.bars.every((bar) => bar.height === 0));
  });
});
