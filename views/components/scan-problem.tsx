import type { Translator } from '../../src/i18n/index.ts';
import type { ScanError } from '../../src/barcodes/scan-error.ts';
import { scanErrorMessage } from '../../src/barcodes/messages.ts';

/** Why a scan is not a valid barcode, in the user's language (the page plays the error sound). */
export function ScanProblem(props: { t: Translator; error: ScanError }) {
  const { key, params } = scanErrorMessage(props.error);
  return (
    <p class="alert alert-error" role="alert" data-result="error">
      {props.t('scan.problem', { reason: props.t(key, params) })}
    </p>
  );
}
