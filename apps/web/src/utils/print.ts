import { toDataURL } from 'qrcode';

// The printable pages (certificates, the city report): the browser's print dialog, and the QR
// code of a certificate's public verification page.

export function printPage(): void {
  window.print();
}

/** The QR code of `url` as an image data URL; '' when it cannot be drawn (the page prints without it). */
export function qrCodeOf(url: string): Promise<string> {
  return toDataURL(url, { errorCorrectionLevel: 'M', margin: 1, width: 240 }).catch(() => '');
}
