// example: next-page
// app/chat/page.tsx — a Server Component: it may render the chat, whose entry is "use client"
import 'unet-chat-redux/styles.css';
import { ChatContainer, ChatLocaleProvider } from 'unet-chat-redux/react';
import { enLocale } from 'unet-chat-redux/react/locales/en';
import { StoreProvider } from './StoreProvider';

export default function ChatPage() {
  return (
    <StoreProvider>
      <ChatLocaleProvider locale={enLocale}>
        <div style={{ height: '100dvh' }}>
          <ChatContainer />
        </div>
      </ChatLocaleProvider>
    </StoreProvider>
  );
}
// end example
