import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNELS } from '../cases/service.ts';
import { CHANNEL_STYLES, RAG_STYLES, contrastRatio, horizontalBars, niceScale, stackedColumns } from './charts.ts';

describe('the report’s charts', () => {
  it('gives every channel a colour with at least 3:1 contrast against the page, and a pattern of its own', () => {
    for (const channel of CHANNELS) {
      const style = CHANNEL_STYLES[channel];
      assert.ok(style, channel);
      assert.ok(contrastRatio(style.colour, '#ffffff') >= 3, `${channel} ${style.colour}`);
    }
    const patterns = CHANNELS.map((channel) => CHANNEL_STYLES[channel]!.pattern);
    assert.equal(new Set(patterns).size, CHANNELS.length);
    const ragPatterns = Object.values(RAG_STYLES).map((style) => style.pattern);
    assert.equal(new Set(ragPatterns).size, 4);
  });

  it('measures contrast as WCAG does', () => {
    assert.equal(Math.round(contrastRatio('#000000', '#ffffff')), 21);
    assert.equal(contrastRatio('#777777', '#777777'), 1);
  });

  it('puts the scale’s top at a round number at or above the largest value', () => {
    assert.deepEqual(niceScale(0), { top: 1, step: 1 });
    assert.deepEqual(niceScale(3), { top: 3, step: 1 });
    assert.deepEqual(niceScale(10), { top: 10, step: 5 });
    assert.deepEqual(niceScale(37), { top: 40, step: 10 });
    assert.deepEqual(niceScale(1234), { top: 1500, step: 500 });
  });

  it('draws each bar to scale with its value written beside it', () => {
    const chart = horizontalBars({
      id: 'fcr',
      title: 'Resolved',
      description: 'By channel',
      top: 100,
      rows: [
        { key: 'phone', label: 'Phone', value: 50, text: '50.0%', colour: '#1d70b8', pattern: 'solid' },
        { key: 'web', label: 'Web', value: null, text: 'Not known', colour: '#4c2c92', pattern: 'dots' },
      ],
    });
    assert.equal(chart.bars.length, 1, 'nothing is drawn for a value not known');
    assert.equal(chart.bars[0]!.width, 180);
    assert.deepEqual(
      chart.labels.map((label) => label.text),
      ['Phone', '50.0%', 'Web', 'Not known'],
    );
    assert.deepEqual(
      chart.patterns.map((pattern) => pattern.id),
      ['fcr-phone', 'fcr-web'],
    );
  });

  it('stacks each column’s parts from the axis up, to the column’s total, with a legend', () => {
    const chart = stackedColumns({
      id: 'shift',
      title: 'Contacts',
      description: 'By month',
      columns: ['Apr', 'May'],
      series: [
        { key: 'phone', label: 'Phone', values: [6, 2], colour: '#1d70b8', pattern: 'solid' },
        { key: 'web', label: 'Web', values: [2, 0], colour: '#4c2c92', pattern: 'dots' },
      ],
      valueText: String,
    });
    // April: 6 + 2 = 8 of a scale to 8 (steps of 2), 220 high; May: 2, and no part drawn for nothing.
    const [aprilPhone, aprilWeb, mayPhone, phoneKey, webKey] = chart.bars;
    assert.equal(chart.bars.length, 5);
    assert.equal(aprilPhone!.height, 165);
    assert.equal(aprilWeb!.height, 55);
    assert.equal(aprilWeb!.y + aprilWeb!.height, aprilPhone!.y);
    assert.equal(mayPhone!.height, 55);
    assert.deepEqual([phoneKey!.width, webKey!.width], [18, 18]);
    const texts = chart.labels.map((label) => label.text);
    for (const expected of ['8', '2', 'Apr', 'May', 'Phone', 'Web']) assert.ok(texts.includes(expected), expected);
  });
});
