package io.collectoffline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/** A TCP relay in front of the server that counts the bytes each way: what the wire carries. */
final class CountingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final URI target;
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();

    CountingRelay(URI target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    long up() {
        return up.get();
    }

    long down() {
        return down.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                pipe(client.getInputStream(), server.getOutputStream(), up, client, server);
                pipe(server.getInputStream(), client.getOutputStream(), down, client, server);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void pipe(InputStream in, OutputStream out, AtomicLong counter, Socket a, Socket b) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[65536];
                    try {
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            counter.addAndGet(read);
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the other side closed
                    } finally {
                        try {
                            a.close();
                            b.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                },
                "relay-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
