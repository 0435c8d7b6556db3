"""Attribute-heavy class code: small objects, properties, private state,
methods that touch other instances."""


class Vector:
    __slots__ = ("_x", "_y")

    def __init__(self, x, y):
        self._x = x
        self._y = y

    @property
    def x(self):
        return self._x

    @property
    def y(self):
        return self._y

    def add(self, other):
        return Vector(self._x + other._x, self._y + other._y)

    def scale(self, k):
        return Vector(self._x * k, self._y * k)

    def dot(self, other):
        return self._x * other._x + self._y * other._y


class Particle:
    def __init__(self, position, velocity):
        self.position = position
        self.velocity = velocity
        self._steps = 0
        self.energy = 0.0

    def step(self, dt):
        self.position = self.position.add(self.velocity.scale(dt))
        self._steps += 1
        self.energy = 0.5 * self.velocity.dot(self.velocity)
        return self


class World:
    def __init__(self, count):
        self.particles = [
            Particle(Vector(i, -i), Vector(1 + i % 3, 2 - i % 5))
            for i in range(count)
        ]
        self.time = 0.0

    def run(self, steps, dt):
        for _ in range(steps):
            for particle in self.particles:
                particle.step(dt)
            self.time += dt
        return self


def main():
    world = World(40).run(25, 0.1)
    total = sum(p.energy for p in world.particles)
    far = max(world.particles, key=lambda p: p.position.x + p.position.y)
    return round(total, 6), round(far.position.x, 6), round(world.time, 6)
