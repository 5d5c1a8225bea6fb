import { PAGE_DATA_ID } from '../core/common/pageData';

/** The data the page was created with (src/core/common/pageData.ts), parsed; undefined when there is none or it does not parse. */
export function readPageData(): unknown {
  const text = document.getElementById(PAGE_DATA_ID)?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    console.warn('Reasoner: the data the page was created with does not parse', error);
    return undefined;
  }
}
