package io.kommander.bench.system.ratis;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;

import java.util.Locale;

/** The Ratis transports the bench can use; each knows how to set its server port. */
public enum RatisTransport {
    /** ratis-netty. */
    NETTY(SupportedRpcType.NETTY) {
        @Override
        void setPort(RaftProperties properties, int port) {
            NettyConfigKeys.Server.setPort(properties, port);
        }
    },
    /** ratis-grpc. */
    GRPC(SupportedRpcType.GRPC) {
        @Override
        void setPort(RaftProperties properties, int port) {
            GrpcConfigKeys.Server.setPort(properties, port);
        }
    };

    private final SupportedRpcType rpcType;

    RatisTransport(SupportedRpcType rpcType) {
        this.rpcType = rpcType;
    }

    SupportedRpcType rpcType() {
        return rpcType;
    }

    abstract void setPort(RaftProperties properties, int port);

    /** The lower-case name used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
