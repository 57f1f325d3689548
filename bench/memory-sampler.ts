/** Peaks of this process's RSS and V8 heap, sampled on a timer while a workload runs. */

export interface MemoryPeaks {
  baselineRss: number;
  baselineHeap: number;
  peakRss: number;
  peakHeap: number;
  samples: number;
}

export async function sampleMemoryDuring<T>(work: () => Promise<T>, intervalMs = 20): Promise<{ value: T; memory: MemoryPeaks }> {
  const baseline = process.memoryUsage();
  const memory: MemoryPeaks = {
    baselineRss: baseline.rss,
    baselineHeap: baseline.heapUsed,
    peakRss: baseline.rss,
    peakHeap: baseline.heapUsed,
    samples: 0,
  };
  const sample = () => {
    const now = process.memoryUsage();
    memory.peakRss = Math.max(memory.peakRss, now.rss);
    memory.peakHeap = Math.max(memory.peakHeap, now.heapUsed);
    memory.samples++;
  };
  const timer = setInterval(sample, intervalMs);
  try {
    const value = await work();
    sample();
    return { value, memory };
  } finally {
    clearInterval(timer);
  }
}
