import "@authio/example-ui/styles.css";
import type { ReactNode } from "react";

export const metadata = { title: "Orbit · Next.js" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
