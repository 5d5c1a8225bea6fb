// chat webview entry (filled by the chat issue)
