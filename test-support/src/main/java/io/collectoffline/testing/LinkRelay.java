package io.collectoffline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of a server that stands for the link between two nodes: it counts the bytes each way (what
 * the wire carries, at the socket) and, when given a rate, carries no more than that many bytes per second in each
 * direction, shared by every connection — a slow field link (32 kbit/s = 4000 bytes/s), emulated in the test's own
 * process where {@code tc netem} is not available. Given a delay, it holds each chunk that long before passing it on
 * (each way: a round trip takes twice the delay), as a long link does, without limiting its rate. {@link #cut()} drops
 * every open connection, as a lost signal does.
 */
public final class LinkRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final URI target;
    private final Direction up;
    private final Direction down;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final long delayNanos;

    /** A relay that only counts. */
    public LinkRelay(URI target) throws IOException {
        this(target, 0);
    }

    /** A relay carrying at most {@code bytesPerSecond} each way (0: as fast as it can). */
    public LinkRelay(URI target, long bytesPerSecond) throws IOException {
        this(target, bytesPerSecond, Duration.ZERO);
    }

    /** A relay that holds every chunk {@code delay} in each direction before passing it on, at any rate. */
    public LinkRelay(URI target, Duration delay) throws IOException {
        this(target, 0, delay);
    }

    private LinkRelay(URI target, long bytesPerSecond, Duration delay) throws IOException {
        this.target = target;
        this.delayNanos = delay.toNanos();
        this.up = new Direction(bytesPerSecond);
        this.down = new Direction(bytesPerSecond);
        this.listener = new ServerSocket();
        if (bytesPerSecond > 0) {
            // what the link holds in flight: about a second of it (its queue), not the megabytes a loopback socket
            // buffers — the rest waits in the sender, where a reset discards it as on a real link
            listener.setReceiveBufferSize((int) Math.max(4096, bytesPerSecond));
        }
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread acceptor = new Thread(this::accept, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The URL to give the client instead of the server's. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Bytes carried from the client to the server so far. */
    public long up() {
        return up.carried.get();
    }

    /** Bytes carried from the server to the client so far. */
    public long down() {
        return down.carried.get();
    }

    /** Drops every connection open now; new ones are accepted as before. */
    public void cut() {
        for (Socket socket : open) {
            close(socket);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                if (up.bytesPerSecond > 0) {
                    server.setReceiveBufferSize((int) Math.max(4096, down.bytesPerSecond));
                }
                server.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                open.add(client);
                open.add(server);
                pipe(client.getInputStream(), server.getOutputStream(), up, client, server);
                pipe(server.getInputStream(), client.getOutputStream(), down, client, server);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pipe(InputStream in, OutputStream out, Direction direction, Socket a, Socket b) {
        if (delayNanos > 0) {
            delayedPipe(in, out, direction, a, b);
            return;
        }
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[direction.chunk()];
                    try {
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            direction.pace(read);
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // a side closed, or the link was cut
                    } finally {
                        close(a);
                        close(b);
                    }
                },
                "relay-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    /** A chunk read from one side, to be written to the other at {@code dueAt} ({@link System#nanoTime}). */
    private record Chunk(long dueAt, byte[] bytes) {}

    /**
     * One direction with a delay: a reader takes chunks off the socket as they come and a writer passes each on
     * once it has been held {@code delayNanos}, so the delay adds to the time of every chunk, not to the rate.
     */
    private void delayedPipe(InputStream in, OutputStream out, Direction direction, Socket a, Socket b) {
        BlockingQueue<Chunk> held = new LinkedBlockingQueue<>();
        Chunk end = new Chunk(0, new byte[0]);
        Thread reader = new Thread(
                () -> {
                    byte[] buffer = new byte[direction.chunk()];
                    try {
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            direction.carried.addAndGet(read);
                            held.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, read)));
                        }
                    } catch (IOException e) {
                        // a side closed, or the link was cut
                    } finally {
                        held.add(end);
                    }
                },
                "relay-read");
        Thread writer = new Thread(
                () -> {
                    try {
                        for (Chunk chunk = held.take(); chunk != end; chunk = held.take()) {
                            long wait = chunk.dueAt() - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            out.write(chunk.bytes());
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // a side closed, or the link was cut
                    } finally {
                        close(a);
                        close(b);
                    }
                },
                "relay-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }

    /** One direction of the link: what it carried, and when it is free to carry more. */
    private static final class Direction {
        private final long bytesPerSecond;
        private final AtomicLong carried = new AtomicLong();
        private long freeAt = System.nanoTime();

        Direction(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        /** Small reads on a slow link, so that the pace is even (a tenth of a second's worth). */
        int chunk() {
            return bytesPerSecond > 0 ? (int) Math.max(64, Math.min(65536, bytesPerSecond / 10)) : 65536;
        }

        /** Waits until the link may carry {@code bytes} more; connections share the rate. */
        void pace(int bytes) throws InterruptedException {
            carried.addAndGet(bytes);
            if (bytesPerSecond <= 0) {
                return;
            }
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                freeAt = Math.max(freeAt, now) + bytes * 1_000_000_000L / bytesPerSecond;
                wait = freeAt - now;
            }
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }
}
