import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local bound to 127.0.0.1. The jar has no option for the address (its Jetty
 * server listens on every interface), so this builds the same server from the same
 * command-line arguments and sets the host on its connector before it starts.
 * Run in source-file mode: java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java ...
 *
 * With -Dprakerja.exitWithParent=true it also exits when its standard input ends: the stack
 * that started it holds the other end of that pipe, so however the stack's process ends
 * (Ctrl-C, a crash, SIGKILL), the JVM does not outlive it.
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    if (Boolean.getBoolean("prakerja.exitWithParent")) {
      Thread watchdog = new Thread(() -> {
        try {
          while (System.in.read() != -1) {
            // Nothing is ever sent: the pipe only tells that the parent is alive.
          }
        } catch (java.io.IOException ignored) {
          // A broken pipe is the parent gone, too.
        }
        System.exit(0);
      }, "exit-with-parent");
      watchdog.setDaemon(true);
      watchdog.start();
    }
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    for (Connector connector : ((Server) field.get(proxy)).getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
