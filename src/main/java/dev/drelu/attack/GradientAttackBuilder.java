package dev.drelu.attack;

import java.util.List;

/** Builds a gradient attack: the common settings plus BPDA and the transfer source. */
public abstract class GradientAttackBuilder<B extends GradientAttackBuilder<B>> extends AttackBuilder<B> {
  boolean straightThrough;
  AttackSource source = AttackSource.SELF;

  GradientAttackBuilder(AttackMethod method, Norm defaultNorm) {
    super(method, defaultNorm);
  }

  public B straightThrough(boolean v) { straightThrough = v; return self(); }
  public B source(AttackSource v) { source = v; return self(); }

  @Override
  public List<Setting> settings() {
    return Setting.join(super.settings(), Setting.flag("straight-through", this::straightThrough),
        Setting.choice("source", AttackSource::parse, this::source));
  }
}
