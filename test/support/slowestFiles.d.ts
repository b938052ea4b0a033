// The types of slowestFiles.js (a reporter Node loads before tsx, so written in JavaScript).
export interface TestEvent {
  type: string;
  data: { nesting?: number; file?: string; name?: string; details?: { duration_ms?: number } };
}

export default function slowestFiles(source: AsyncIterable<TestEvent>): AsyncGenerator<string>;
