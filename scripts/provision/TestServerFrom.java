// Temporal's time-skipping test server whose clock starts at a date we name (--start-at=<ISO instant>),
// not at the wall clock: a time-skipping test can only move forward, so a suite whose dates are written
// out must start before them on whatever day it runs. Everything else is TestServer's own main: the
// port, then --enable-time-skipping as @temporalio/testing passes it.
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.time.Instant;

public final class TestServerFrom {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("Usage: <command> <port> [--enable-time-skipping] [--start-at=2027-07-20T00:00:00Z]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean timeSkipping = false;
    long startMillis = 0; // 0: the wall clock, as TestServer does
    for (int i = 1; i < args.length; i++) {
      if (args[i].equalsIgnoreCase("--enable-time-skipping")) timeSkipping = true;
      else if (args[i].startsWith("--start-at=")) startMillis = Instant.parse(args[i].substring("--start-at=".length())).toEpochMilli();
      else {
        System.err.println("Unknown flag " + args[i]);
        System.exit(2);
      }
    }
    TestServicesStarter services = new TestServicesStarter(!timeSkipping, startMillis);
    ServerBuilder<?> builder = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    server.awaitTermination();
  }
}
